package dev.segments.common.config;

import java.util.List;

/**
 * Scoring settings.
 *
 * @param workspaces every workspace, {@code default} first
 * @param percentileAccuracy accuracy of percentile_approx (1/accuracy is the relative rank error;
 *     exact while a group has fewer values than about this number)
 */
public record ScoringSettings(List<Workspace> workspaces, int percentileAccuracy) {

  public ScoringSettings {
    workspaces = List.copyOf(workspaces);
  }
}
