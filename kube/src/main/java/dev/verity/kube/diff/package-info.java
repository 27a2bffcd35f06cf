/**
 * Drift comparison: a live object against what the server stored when Verity applied it (on the fields Verity applied
 * then), or against the desired document on the fields it sets; differences with values, masked where secret.
 */
package dev.verity.kube.diff;
