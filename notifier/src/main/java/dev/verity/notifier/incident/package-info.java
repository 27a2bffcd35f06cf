/** Incidents: one open incident per target and kind, updated, reminded, grouped, rate-limited and resolved. */
package dev.verity.notifier.incident;
