/** The receiver's core: forge-neutral webhook intake (signature, repository lookup, push filtering) in plain Java. */
package dev.verity.receiver;
