/// A topic page's front matter, decoded and validated.
package struct TopicMetadata: Sendable, Equatable {
    package var title: String
    package var question: String?
    package var summary: String?
    package var slug: String?
    package var tags: [String]
    package var audience: String?
    package var review: Review
    package var references: [LocatedReference]
    /// `kind: page` (about, editorial policy, contact): no claim rule, no review, not listed
    /// among the topics.
    package var kind: Kind = .topic
    /// `nav: true`: linked from the top navigation of every page.
    package var nav = false
    /// `audiences: [clinician, patient]`: the page is written for each, one page a variant, the
    /// first at the page's own URL; empty for a page with one version.
    package var audiences: [String] = []
    /// Where each field's value was written, by dotted name (`slug`, `review.reviewed`).
    package var positions: [String: TextPosition] = [:]

    package enum Kind: String, Sendable, CaseIterable {
        case topic, page
    }

    /// Whether the claim rule and the review apply: a topic, not a plain page.
    package var isTopic: Bool { kind == .topic }

    package struct Review: Sendable, Equatable {
        package var status: ReviewStatus
        package var reviewers: [String]
        package var reviewed: Day?
        package var updated: Day?
        package var fingerprint: String?
        /// Who answers for the page's review: a person or a team.
        package var owner: String?
        /// `interval_days`: how often this page is reviewed, in place of the site's
        /// `review.max_age_days`.
        package var intervalDays: Int?
        /// The day up to which the literature was searched ("Literature review current through").
        package var literatureThrough: Day?

        package init(
            status: ReviewStatus, reviewers: [String] = [], reviewed: Day? = nil, updated: Day? = nil,
            fingerprint: String? = nil
        ) {
            self.status = status
            self.reviewers = reviewers
            self.reviewed = reviewed
            self.updated = updated
            self.fingerprint = fingerprint
        }
    }

    package init(
        title: String, question: String? = nil, summary: String? = nil, slug: String? = nil, tags: [String] = [],
        audience: String? = nil, review: Review, references: [LocatedReference] = []
    ) {
        self.title = title
        self.question = question
        self.summary = summary
        self.slug = slug
        self.tags = tags
        self.audience = audience
        self.review = review
        self.references = references
    }
}
