/** A real SMTP server (GreenMail) for tests and the local stack, with the mail it received as typed values. */
package dev.verity.testkit.mail;
