/** The reliability suite: faults injected into the running local stack, a ledger of inputs compared with what was recorded, and the report. */
package dev.verity.reliability;
