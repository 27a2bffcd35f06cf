/** Bitbucket Cloud ({@code repo:push}) and Data Center ({@code repo:refs_changed}) webhooks, {@code X-Hub-Signature}. */
package dev.verity.receiver.bitbucket;
