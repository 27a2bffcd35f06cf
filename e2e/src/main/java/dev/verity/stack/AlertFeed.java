package dev.verity.stack;

import dev.verity.testkit.mail.ReceivedMail;
import dev.verity.testkit.forge.StatusCall;
import dev.verity.testkit.slack.SlackMessage;

import java.util.List;

/**
 * Prints the alerts the local Slack stand-in and SMTP server received, and the commit statuses the local forge took,
 * since the last call.
 */
final class AlertFeed {
    private final LocalStack stack;
    private final Console out;
    private int slackSeen;
    private int mailSeen;
    private int statusesSeen;

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
        List<StatusCall> statuses = stack.forgeStatuses().statuses();
        for (StatusCall c : statuses.subList(Math.min(statusesSeen, statuses.size()), statuses.size())) {
            out.say("── Commit status on the forge ── " + c.readable());
        }
        statusesSeen = statuses.size();
    }

    private static String indent(String text) {
        return ("  " + text.strip()).replace("\n", "\n  ");
    }
}
