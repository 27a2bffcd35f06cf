/** Which destinations an alert goes to: routes matching cluster, app, environment, kind and severity; plain Java. */
package dev.verity.notifier.routing;
