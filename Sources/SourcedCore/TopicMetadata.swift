/// A topic page's front matter, decoded and validated.
public struct TopicMetadata: Sendable, Codable, Equatable {
    public var title: String
    public var question: String?
    public var summary: String?
    public var slug: String?
    public var tags: [String]
    public var audience: String?
    public var review: Review
    public var references: [LocatedReference]
    /// Where each field's value was written, by dotted name (`slug`, `review.reviewed`).
    public var positions: [String: TextPosition] = [:]

    public struct Review: Sendable, Codable, Equatable {
        public var status: ReviewStatus
        public var reviewers: [String]
        public var reviewed: Day?
        public var updated: Day?
        public var fingerprint: String?

        public init(
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

    public init(
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
