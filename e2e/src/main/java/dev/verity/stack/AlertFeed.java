package dev.verity.stack;

import dev.verity.testkit.mail.ReceivedMail;
import dev.verity.testkit.slack.SlackMessage;

import java.util.List;

/** Prints the alerts the local Slack stand-in and SMTP server received since the last call. */
final class AlertFeed {
    private final LocalStack stack;
    private final Console out;
    private int slackSeen;
    private int mailSeen;

    AlertFeed(LocalStack stack, Console out) {
        this.stack = stack;
        this.out = out;
    }

    void printNew() {
        List<SlackMessage> slack = stack.slack().messages();
        for (SlackMessage m : slack.subList(slackSeen, slack.size())) {
            out.say("── Slack ─────────────────────────────────────────────\n" + indent(m.readableText()));
        }
        slackSeen = slack.size();
        List<ReceivedMail> mails = stack.smtp().receivedMessages();
        for (ReceivedMail m : mails.subList(mailSeen, mails.size())) {
            out.say("── E-mail to " + String.join(", ", m.to()) + " ──────────────\n  Subject: " + m.subject() + "\n" + indent(m.text()));
        }
        mailSeen = mails.size();
    }

    private static String indent(String text) {
        return ("  " + text.strip()).replace("\n", "\n  ");
    }
}
