import SourcedCore

/// The review badge's values: status, the Submitted → Under review → Approved steps, dates.
enum BadgeView {
    static func model(_ page: SitePage, settings: SiteSettings) -> [String: Any] {
        let review = page.metadata.review
        let reached: Int  // how many of the three steps are reached
        switch review.status {
        case .draft: reached = 0
        case .submitted: reached = 1
        case .inReview: reached = 2
        case .approved: reached = 3
        }
        let steps = ["Submitted", "Under review", "Approved"].enumerated().map { i, label -> [String: Any] in
            let state = i + 1 < reached ? "done" : i + 1 == reached ? "current" : "todo"
            return ["label": label, "state": state, "current": i + 1 == reached]
        }
        var model: [String: Any] = [
            "status": page.badge.rawValue,
            "label": page.badge.label,
            "pending": page.badge.isPending,
            "pending_reason": pendingReason(page, settings: settings),
            "steps": steps,
            "reviewers": review.reviewers.joined(separator: ", "),
            "has_reviewers": !review.reviewers.isEmpty,
        ]
        if let reviewed = review.reviewed { model["reviewed"] = reviewed.description }
        if let updated = review.updated { model["updated"] = updated.description }
        if review.status == .approved, let due = ReviewPolicy.nextReviewDue(review, settings: settings) {
            model["next_due"] = due.description
        }
        return model
    }

    static func pendingReason(_ page: SitePage, settings: SiteSettings) -> String {
        switch page.badge {
        case .draft: "This page is a draft and has not been submitted for review."
        case .submitted: "This page has been submitted and is waiting for a reviewer."
        case .inReview: "This page is under review; its content may still change."
        case .overdue: "This page's last review is more than \(settings.reviewMaxAgeDays) days old."
        case .changed: "This page has changed since it was approved."
        case .approved: ""
        }
    }
}
