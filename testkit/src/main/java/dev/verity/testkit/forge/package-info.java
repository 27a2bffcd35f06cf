/** A forge stand-in for tests and the local stack: a real HTTP server answering as the GitHub, GitLab and Gitea/Forgejo commit statuses APIs do, recording each call. */
package dev.verity.testkit.forge;
