/** Turning events into alerts people can act on, and alerts into Slack Block Kit messages and e-mails; plain Java. */
package dev.verity.notifier.alert;
