package dev.verity.testkit.mail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpServerIT {

    private SmtpServer smtp;

    @BeforeEach
    void start() {
        smtp = SmtpServer.start();
    }

    @AfterEach
    void stop() {
        smtp.close();
    }

    @Test
    void receivesAPlainTextMailOverSmtp() throws Exception {
        send(message("verity@localhost", "oncall@example.com", "[verity] Drift in local/shop/prod",
                "spec.replicas of Deployment shop-prod/web changed outside Git"));

        ReceivedMail mail = smtp.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(mail.from()).isEqualTo("verity@localhost");
        assertThat(mail.to()).containsExactly("oncall@example.com");
        assertThat(mail.subject()).isEqualTo("[verity] Drift in local/shop/prod");
        assertThat(mail.text()).contains("spec.replicas of Deployment shop-prod/web");
        assertThat(mail.html()).isNull();
        assertThat(mail.body()).isEqualTo(mail.text());
    }

    @Test
    void readsBothPartsOfAMultipartAlternativeMailAndEveryRecipient() throws Exception {
        MimeMessage m = message("verity@localhost", "a@example.com", "Render failed", null);
        m.addRecipient(Message.RecipientType.TO, new InternetAddress("b@example.com"));
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("kustomize build failed in apps/shop/overlays/prod", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>kustomize build failed in <code>apps/shop/overlays/prod</code></p>", "text/html; charset=UTF-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        send(m);

        // one delivery per recipient, as an SMTP server stores it
        assertThat(smtp.awaitMessages(2, Duration.ofSeconds(5))).hasSize(2).allSatisfy(mail -> {
            assertThat(mail.to()).containsExactly("a@example.com", "b@example.com");
            assertThat(mail.text()).isEqualTo("kustomize build failed in apps/shop/overlays/prod");
            assertThat(mail.html()).contains("<code>apps/shop/overlays/prod</code>");
        });
        assertThat(smtp.receivedMessagesFor("b@example.com")).hasSize(2);
        assertThat(smtp.receivedMessagesFor("c@example.com")).isEmpty();
        assertThat(smtp.inbox("b@example.com")).singleElement().satisfies(mail -> assertThat(mail.subject()).isEqualTo("Render failed"));
        assertThat(smtp.inbox("c@example.com")).isEmpty();
    }

    @Test
    void awaitingAMatchingMailReturnsWhenItArrivesAndTimesOutOtherwise() throws Exception {
        CompletableFuture<ReceivedMail> waiting = CompletableFuture.supplyAsync(
                () -> smtp.awaitMessage(m -> m.subject().contains("second"), Duration.ofSeconds(10)));
        send(message("verity@localhost", "x@example.com", "first", "1"));
        send(message("verity@localhost", "x@example.com", "second", "2"));
        assertThat(waiting.join().text()).isEqualTo("2");

        assertThatThrownBy(() -> smtp.awaitMessage(m -> m.subject().equals("third"), Duration.ofMillis(300)))
                .hasMessageContaining("received 2");
        assertThatThrownBy(() -> smtp.awaitMessages(3, Duration.ofMillis(300)))
                .hasMessageContaining("expected at least 3 e-mails").hasMessageContaining("second");

        smtp.clear();
        assertThat(smtp.receivedMessages()).isEmpty();
    }

    @Test
    void stoppedItRefusesConnectionsAndListensAgainOnTheSamePortWithWhatItReceived() throws Exception {
        send(message("verity@localhost", "oncall@example.com", "before", "sent before the outage"));
        smtp.awaitMessages(1, Duration.ofSeconds(5));

        smtp.stopListening();
        assertThat(smtp.listening()).isFalse();
        assertThatThrownBy(() -> send(message("verity@localhost", "oncall@example.com", "during", "refused")))
                .isInstanceOf(jakarta.mail.MessagingException.class)
                .hasRootCauseInstanceOf(java.net.ConnectException.class);

        smtp.resumeListening();
        assertThat(smtp.listening()).isTrue();
        send(message("verity@localhost", "oncall@example.com", "after", "sent after the outage"));
        assertThat(smtp.awaitMessages(2, Duration.ofSeconds(5))).extracting(ReceivedMail::subject)
                .containsExactly("before", "after");
    }

    @Test
    void webViewShowsWhatWasReceived() throws Exception {
        send(message("verity@localhost", "oncall@example.com", "[verity] Drift <web>", "spec.replicas"));
        smtp.awaitMessages(1, Duration.ofSeconds(5));
        String url = smtp.startWebView(0);
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("1 e-mail(s)", "[verity] Drift &lt;web&gt;", "oncall@example.com", "spec.replicas");

        JsonNode json = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(url + "messages")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(json.get(0).get("subject").asText()).isEqualTo("[verity] Drift <web>");
        assertThat(json.get(0).get("to").get(0).asText()).isEqualTo("oncall@example.com");
    }

    @Test
    void startsOnAGivenPortAndRefusesABusyOne() {
        assertThatThrownBy(() -> SmtpServer.start(smtp.port())).hasMessageContaining("port " + smtp.port());
    }

    private MimeMessage message(String from, String to, String subject, String text) throws Exception {
        MimeMessage m = new MimeMessage(session());
        m.setFrom(new InternetAddress(from));
        m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject, "UTF-8");
        if (text != null) m.setText(text, "UTF-8");
        return m;
    }

    private void send(MimeMessage m) throws Exception {
        m.saveChanges();
        Transport.send(m);
    }

    private Session session() {
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", String.valueOf(smtp.port()));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "5000");
        return Session.getInstance(p);
    }
}
