/** Commit statuses for the forge: which status each event gives which commit ({@link dev.verity.notifier.status.StatusBook}), and how each forge's statuses API is called ({@link dev.verity.notifier.status.ForgeKind}). */
package dev.verity.notifier.status;
