package dev.segments.jobs.generate;

import java.util.List;

/** The sample product: ~30 track events grouped into product features, with how popular each is. */
public final class EventCatalog {

  /** A track event of the sample product. */
  public record SampleEvent(String name, String feature, double popularity, boolean adminOnly) {}

  public static final List<SampleEvent> EVENTS =
      List.of(
          new SampleEvent("login", "core", 10, false),
          new SampleEvent("project_opened", "core", 9, false),
          new SampleEvent("project_created", "core", 2, false),
          new SampleEvent("task_created", "core", 8, false),
          new SampleEvent("task_updated", "core", 7, false),
          new SampleEvent("task_completed", "core", 6, false),
          new SampleEvent("file_uploaded", "core", 3, false),
          new SampleEvent("search_performed", "core", 4, false),
          new SampleEvent("template_used", "core", 1.5, false),
          new SampleEvent("comment_added", "collaboration", 4, false),
          new SampleEvent("mention_sent", "collaboration", 2, false),
          new SampleEvent("project_shared", "collaboration", 1, false),
          new SampleEvent("teammate_invited", "collaboration", 0.4, false),
          new SampleEvent("invite_accepted", "collaboration", 0.3, false),
          new SampleEvent("report_viewed", "reporting", 3, false),
          new SampleEvent("report_created", "reporting", 1, false),
          new SampleEvent("report_exported", "reporting", 0.7, false),
          new SampleEvent("dashboard_viewed", "reporting", 2.5, false),
          new SampleEvent("dashboard_created", "reporting", 0.4, false),
          new SampleEvent("settings_updated", "admin", 0.6, true),
          new SampleEvent("billing_updated", "admin", 0.1, true),
          new SampleEvent("user_role_changed", "admin", 0.2, true),
          new SampleEvent("integration_connected", "admin", 0.2, true),
          new SampleEvent("api_key_created", "admin", 0.1, true),
          new SampleEvent("sso_configured", "admin", 0.05, true),
          new SampleEvent("onboarding_step_completed", "onboarding", 0.5, false),
          new SampleEvent("tutorial_viewed", "onboarding", 0.4, false),
          new SampleEvent("notification_clicked", "engagement", 2, false),
          new SampleEvent("mobile_app_opened", "engagement", 1.5, false),
          new SampleEvent("feedback_submitted", "engagement", 0.2, false));

  private EventCatalog() {}
}
