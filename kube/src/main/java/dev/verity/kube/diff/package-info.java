/** Drift comparison: a live object against the desired document, on the fields the document sets. */
package dev.verity.kube.diff;
