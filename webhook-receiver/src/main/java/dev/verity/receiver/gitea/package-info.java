/** Gitea and Forgejo webhooks: {@code push} and {@code delete} deliveries, {@code X-Gitea-Signature}/{@code X-Forgejo-Signature}. */
package dev.verity.receiver.gitea;
