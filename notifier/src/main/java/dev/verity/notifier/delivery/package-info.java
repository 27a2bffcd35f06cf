/** Delivering alerts once per destination with retries of transient failures, reporting what could not be delivered; plain Java. */
package dev.verity.notifier.delivery;
