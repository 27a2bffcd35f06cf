/** Real Git repositories for tests and the local stack: bare repos built and committed to with JGit. */
package dev.verity.testkit.git;
