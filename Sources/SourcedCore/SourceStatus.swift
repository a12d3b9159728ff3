/// What has happened to a source since it was published: a correction, a retraction, an
/// expression of concern, a newer edition that replaces it. A source with none is current.
///
/// Written in a source's entry (`status: retracted`, `status_date:`, `status_note:`,
/// `notice_url:`, `superseded_by:`) or found in the Retraction Watch data (`site.yaml`'s
/// `sources.retractions`). It is part of the source: the approval fingerprint covers it, so a
/// source that becomes retracted changes every approval of a page that cites it.
package struct SourceStatus: Sendable, Hashable, Encodable {
    package enum Kind: String, Sendable, Hashable, Encodable, CaseIterable {
        case current, corrected, retracted, superseded
        case expressionOfConcern = "expression-of-concern"

        /// How a reference entry names it ("Retracted").
        package var label: String {
            switch self {
            case .current: "Current"
            case .corrected: "Corrected"
            case .retracted: "Retracted"
            case .superseded: "Superseded"
            case .expressionOfConcern: "Expression of concern"
            }
        }
    }

    package var kind: Kind
    /// When it happened (the notice's date).
    package var date: Day?
    package var note: String?
    /// The notice itself: the retraction or correction, an erratum, the new edition's page.
    package var noticeURL: String?
    /// The key of the source that replaces it.
    package var supersededBy: String?

    package init(
        kind: Kind, date: Day? = nil, note: String? = nil, noticeURL: String? = nil, supersededBy: String? = nil
    ) {
        self.kind = kind
        self.date = date
        self.note = note
        self.noticeURL = noticeURL
        self.supersededBy = supersededBy
    }
}

extension Day: Encodable {
    /// As written, `YYYY-MM-DD`.
    package func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        try single.encode(description)
    }
}
