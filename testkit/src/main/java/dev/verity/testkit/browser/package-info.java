/** A real browser for tests of Verity's pages: Debian's {@code chromium}, headless, one process per look. */
package dev.verity.testkit.browser;
