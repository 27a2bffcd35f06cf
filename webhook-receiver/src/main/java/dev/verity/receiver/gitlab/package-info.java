/** GitLab webhooks: {@code Push Hook} deliveries, {@code X-Gitlab-Token} and the optional signing token. */
package dev.verity.receiver.gitlab;
