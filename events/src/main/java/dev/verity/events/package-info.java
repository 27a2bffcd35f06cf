/** The wire contract between Verity's services: event records, topic names and their CloudEvents JSON form. */
package dev.verity.events;
