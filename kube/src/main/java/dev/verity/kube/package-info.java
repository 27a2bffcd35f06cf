/** Cluster access shared by the applier and the drift monitor: parsing desired documents, planning and server-side applying them. */
package dev.verity.kube;
