/** A Slack stand-in for tests and the local stack: a real HTTP server that records webhook and chat.postMessage calls and answers as Slack does. */
package dev.verity.testkit.slack;
