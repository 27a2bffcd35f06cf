package dev.verity.cli;

/** A failure the user can act on: its message says what went wrong and what to do, and is all the CLI prints. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
