/// Where a page stands in the review workflow, as written in its front matter.
public enum ReviewStatus: String, Sendable, Codable, CaseIterable {
    case draft
    case submitted
    case inReview = "in-review"
    case approved

    /// The same words the badge uses for this status.
    public var label: String { BadgeStatus(rawValue: rawValue)!.label }
}

/// What a page's badge shows: its status, or that an approval has lapsed.
public enum BadgeStatus: String, Sendable, Codable, CaseIterable {
    case draft, submitted
    case inReview = "in-review"
    case approved, overdue, changed

    public var label: String {
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
    public var isPending: Bool { self != .approved }
}
