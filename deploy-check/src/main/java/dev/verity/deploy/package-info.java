/** How Verity is deployed: the services and their configuration, read from the repository for the deployment files and docs. */
package dev.verity.deploy;
