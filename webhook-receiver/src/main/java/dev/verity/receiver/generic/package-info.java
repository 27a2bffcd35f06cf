/** The generic endpoint: a small documented JSON push signed with HMAC-SHA256 in {@code X-Verity-Signature}. */
package dev.verity.receiver.generic;
