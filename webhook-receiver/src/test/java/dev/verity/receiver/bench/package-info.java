/** The receiver's load benchmark ({@code ./verity bench receiver}): signed pushes against the health endpoint's ceiling. */
package dev.verity.receiver.bench;
