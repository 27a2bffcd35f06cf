/** Every Verity topic with its partitions, cleanup policy, retention and sizes, and the one step that provisions them. */
package dev.verity.events.topics;
