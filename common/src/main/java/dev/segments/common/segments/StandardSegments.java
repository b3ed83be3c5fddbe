package dev.segments.common.segments;

import dev.segments.common.config.Settings;
import dev.segments.common.config.Workspace;
import dev.segments.common.segments.SegmentDefinition.Entity;
import dev.segments.common.segments.SegmentDefinition.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard segments ({@code all_*}, {@code active_*}) and the suggested ones of every
 * workspace, as definitions like custom ones. Suggested segments are bands whose bounds are the
 * day's rows of segment_thresholds (so fixed and percentile bands work the same way).
 */
public final class StandardSegments {

  /** Suggested band stem, the metric it cuts, and its description. */
  private record Suggested(String stem, String metric, String description, boolean accountsOnly) {
    /**
     * Bands that do not depend on a workspace's scores or period exist once (default workspace).
     */
    boolean perWorkspace() {
      return !java.util.Set.of("mature", "recently_inactive", "active_today").contains(stem);
    }
  }

  private static final List<Suggested> SUGGESTED =
      List.of(
          new Suggested(
              "new",
              "days_since_created",
              "Created (created_at trait, else first seen) within the scoring period",
              false),
          new Suggested(
              "most_engaged", "engagement_score", "Engagement score in the top band", false),
          new Suggested(
              "slightly_engaged", "engagement_score", "Engagement score in the second band", false),
          new Suggested("passive", "engagement_score", "Engagement score in the third band", false),
          new Suggested(
              "least_engaged",
              "engagement_score",
              "Engagement score above 0 in the lowest band",
              false),
          new Suggested(
              "recently_inactive", "days_since_last_seen", "Last active 30 to 60 days ago", false),
          new Suggested(
              "red_hot",
              "score_change",
              "Engagement score up by the trend threshold or more over the period",
              false),
          new Suggested(
              "ice_cold",
              "score_change",
              "Engagement score down by the trend threshold or more over the period",
              false),
          new Suggested("mature", "days_since_created", "Created more than mature-days ago", false),
          new Suggested(
              "active_today", "days_since_last_seen", "Last active on the run date", false),
          new Suggested(
              "multi_user",
              "active_users",
              "At least multi-user-active-users active users in the period",
              true));

  private StandardSegments() {}

  public static List<SegmentDefinition> all(Settings settings) {
    List<SegmentDefinition> out = new ArrayList<>();
    for (Entity e : Entity.values()) {
      String plural = e.key + "s";
      out.add(
          new SegmentDefinition(
              "all_" + plural,
              "All " + plural,
              "Every " + e.key + " known on the date",
              e,
              Kind.STANDARD,
              "default",
              new Cond.True(),
              "{\"standard\":\"all\",\"entity\":\"" + e.key + "\"}",
              "generated",
              SegmentDefinition.Level.LEAF));
    }
    for (Workspace ws : settings.scoring().workspaces()) {
      String prefix = ws.name().equals("default") ? "" : ws.name() + "_";
      for (Entity e : Entity.values()) {
        String plural = e.key + "s";
        out.add(
            new SegmentDefinition(
                prefix + "active_" + plural,
                "Active " + plural + (prefix.isEmpty() ? "" : " (" + ws.name() + ")"),
                "At least one scored event in the last " + ws.periodDays() + " days",
                e,
                Kind.STANDARD,
                ws.name(),
                new Cond.Field("active", Cond.FieldOp.EQ, List.of(true), 0),
                "{\"standard\":\"active\",\"entity\":\""
                    + e.key
                    + "\",\"workspace\":\""
                    + ws.name()
                    + "\"}",
                "generated",
                SegmentDefinition.Level.LEAF));
        for (Suggested s : SUGGESTED) {
          if (s.accountsOnly() && e != Entity.ACCOUNT || !prefix.isEmpty() && !s.perWorkspace()) {
            continue;
          }
          String id = prefix + s.stem() + "_" + plural;
          out.add(
              new SegmentDefinition(
                  id,
                  title(s.stem()) + " " + plural + (prefix.isEmpty() ? "" : " (" + ws.name() + ")"),
                  s.description(),
                  e,
                  Kind.SUGGESTED,
                  ws.name(),
                  new Cond.Band(ws.name(), s.stem(), s.metric()),
                  "{\"band\":\""
                      + s.stem()
                      + "\",\"entity\":\""
                      + e.key
                      + "\",\"metric\":\""
                      + s.metric()
                      + "\",\"workspace\":\""
                      + ws.name()
                      + "\"}",
                  "generated",
                  SegmentDefinition.Level.LEAF));
        }
      }
    }
    return out;
  }

  private static String title(String stem) {
    String s = stem.replace('_', ' ');
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
