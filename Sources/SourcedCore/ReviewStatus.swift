/// Where a page stands in the review workflow, as written in its front matter.
package enum ReviewStatus: String, Sendable, CaseIterable {
    case draft
    case submitted
    case inReview = "in-review"
    case approved

    /// The same words the badge uses for this status.
    package var label: String { BadgeStatus(rawValue: rawValue)!.label }
}

/// What a page's badge shows: its status, or that an approval has lapsed.
package enum BadgeStatus: String, Sendable, CaseIterable {
    case draft, submitted
    case inReview = "in-review"
    case approved, overdue, changed

    package var label: String {
        switch self {
        case .draft: "Draft"
        case .submitted: "Submitted"
        case .inReview: "Under review"
        case .approved: "Approved"
        case .overdue: "Review overdue"
        case .changed: "Changed since approval"
        }
    }

    /// Anything but a current approval carries a "pending review" notice.
    package var isPending: Bool { self != .approved }
}
