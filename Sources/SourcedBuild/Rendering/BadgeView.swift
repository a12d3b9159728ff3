import SourcedCore

extension BadgeView {
    init(_ page: SitePage, settings: SiteSettings) {
        let review = page.metadata.review
        let reached: Int  // how many of the three steps are reached
        switch review.status {
        case .draft: reached = 0
        case .submitted: reached = 1
        case .inReview: reached = 2
        case .approved: reached = 3
        }
        let steps = ["Submitted", "Under review", "Approved"].enumerated().map { i, label in
            Step(
                label: label, state: i + 1 < reached ? "done" : i + 1 == reached ? "current" : "todo",
                current: i + 1 == reached)
        }
        self.init(
            status: page.badge.rawValue, label: page.badge.label, pending: page.badge.isPending,
            pendingReason: Self.pendingReason(page, settings: settings), steps: steps,
            reviewers: review.reviewers.joined(separator: ", "), hasReviewers: !review.reviewers.isEmpty,
            reviewed: review.reviewed?.description, updated: review.updated?.description,
            nextDue: review.status == .approved
                ? ReviewPolicy.nextReviewDue(review, settings: settings)?.description : nil,
            owner: review.owner, literatureThrough: review.literatureThrough?.description)
    }

    static func pendingReason(_ page: SitePage, settings: SiteSettings) -> String {
        switch page.badge {
        case .draft: "This page is a draft and has not been submitted for review."
        case .submitted: "This page has been submitted and is waiting for a reviewer."
        case .inReview: "This page is under review; its content may still change."
        case .overdue:
            "This page's last review is more than \(ReviewPolicy.interval(page.metadata.review, settings: settings)) days old."
        case .changed: "This page has changed since it was approved."
        case .approved: ""
        }
    }
}
