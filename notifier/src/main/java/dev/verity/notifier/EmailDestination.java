package dev.verity.notifier;

import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.Email;
import dev.verity.notifier.alert.EmailFormatter;
import dev.verity.notifier.delivery.DeliveryException;
import dev.verity.notifier.delivery.Destination;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sends alerts as e-mail to fixed recipients over SMTP, through the Quarkus mailer.
 *
 * <p>Sends run on a thread of their own, outside the Kafka handler's Vert.x context: the mailer's first
 * connection looks up this host's name with an ordered blocking task on the caller's context, which would wait
 * behind the blocking handler that waits for the mail (each send then hangs until the mailer's timeout).
 */
final class EmailDestination implements Destination {

    private static final ExecutorService SENDER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "verity-mail-sender");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final Mailer mailer;
    private final EmailFormatter formatter;
    private final String from;
    private final List<String> to;
    private final String server;

    EmailDestination(String name, Mailer mailer, EmailFormatter formatter, String from, List<String> to, String server) {
        this.name = name;
        this.mailer = mailer;
        this.formatter = formatter;
        this.from = from;
        this.to = List.copyOf(to);
        this.server = server;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String channel() {
        return "email";
    }

    @Override
    public String describe() {
        return "e-mail to " + String.join(", ", to) + " via SMTP " + server;
    }

    @Override
    public void deliver(Alert alert) throws DeliveryException {
        Email email = formatter.format(alert);
        send(new Mail().setFrom(from).setTo(to).setSubject(email.subject()).setText(email.text()).setHtml(email.html()));
    }

    /**
     * Sends the alert as the next mail of its incident's thread: the first has the subject of its alert and the
     * {@code Message-ID} {@code <incident-<id>@<domain of From>>}; each next one keeps that subject, gets a new
     * unique {@code Message-ID}, {@code In-Reply-To} its parent and {@code References} root…parent (the root and at
     * most the last {@value #MAX_REFERENCES} ids). The reference returned, to give with the next one, is the subject
     * and that chain.
     */
    @Override
    public String deliver(Alert alert, IncidentThread thread) throws DeliveryException {
        Email email = formatter.format(alert);
        String domain = from.contains("@") ? from.substring(from.lastIndexOf('@') + 1).replace(">", "").strip()
                : "verity.local";
        List<String> chain = new java.util.ArrayList<>();
        String subject = email.subject();
        if (thread.reference() != null && thread.reference().contains("\n")) {
            int newline = thread.reference().indexOf('\n');
            subject = thread.reference().substring(0, newline);
            chain.addAll(List.of(thread.reference().substring(newline + 1).strip().split(" ")));
        }
        String messageId = chain.isEmpty() ? "<incident-" + thread.incident() + "@" + domain + ">"
                : "<" + java.util.UUID.randomUUID() + "." + thread.incident() + "@" + domain + ">";
        Mail mail = new Mail().setFrom(from).setTo(to).setSubject(subject).setText(email.text()).setHtml(email.html());
        mail.addHeader("Message-ID", messageId);
        if (!chain.isEmpty()) {
            mail.addHeader("In-Reply-To", chain.get(chain.size() - 1));
            mail.addHeader("References", String.join(" ", chain));
        }
        send(mail);
        chain.add(messageId);
        if (chain.size() > MAX_REFERENCES + 1) {
            List<String> kept = new java.util.ArrayList<>(List.of(chain.get(0)));
            kept.addAll(chain.subList(chain.size() - MAX_REFERENCES, chain.size()));
            chain = kept;
        }
        return subject + "\n" + String.join(" ", chain);
    }

    /** How many ids after the root a thread's {@code References} keeps. */
    static final int MAX_REFERENCES = 10;

    private void send(Mail mail) throws DeliveryException {
        try {
            CompletableFuture.runAsync(() -> mailer.send(mail), SENDER).get();
        } catch (ExecutionException e) {
            // the mailer does not tell a refused recipient from an unreachable server: treat it as transient,
            // the retry policy bounds the attempts
            throw new DeliveryException("cannot send " + describe() + ": " + rootMessage(e), true, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while sending " + describe(), false, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
