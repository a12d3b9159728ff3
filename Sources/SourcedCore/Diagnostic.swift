/// One problem found in the content, where it is, and how bad.
package struct Diagnostic: Sendable, Equatable, Hashable {
    /// Path as the user gave it (relative to the working directory).
    package var file: String
    package var position: TextPosition
    package var severity: Severity
    package var rule: Rule
    package var message: String
    /// Something the user can do about it.
    package var hint: String?

    package init(
        file: String, position: TextPosition, severity: Severity? = nil, rule: Rule, message: String,
        hint: String? = nil
    ) {
        self.file = file
        self.position = position
        self.severity = severity ?? rule.defaultSeverity
        self.rule = rule
        self.message = message
        self.hint = hint
    }
}

package enum Severity: String, Sendable, CaseIterable {
    case warning, error
}

/// The stable rule ids of SPEC §6.
package enum Rule: String, Sendable, CaseIterable {
    case frontMatter = "front-matter"
    case invalidEncoding = "invalid-encoding"
    case unknownCitation = "unknown-citation"
    case uncitedClaim = "uncited-claim"
    case unusedReference = "unused-reference"
    case duplicateReference = "duplicate-reference"
    case invalidReference = "invalid-reference"
    case brokenLink = "broken-link"
    case brokenAnchor = "broken-anchor"
    case unsafeLink = "unsafe-link"
    case duplicateSlug = "duplicate-slug"
    case renderLimit = "render-limit"
    case reviewOverdue = "review-overdue"
    case changedSinceApproval = "changed-since-approval"
    case invalidAudience = "invalid-audience"
    case retractedSource = "retracted-source"
    case supersededSource = "superseded-source"
    case correctedSource = "corrected-source"
    case sourceConcern = "source-concern"
    case invalidGrade = "invalid-grade"
    case ungradedRecommendation = "ungraded-recommendation"

    package var defaultSeverity: Severity {
        switch self {
        case .unusedReference, .reviewOverdue, .changedSinceApproval, .supersededSource, .correctedSource,
            .sourceConcern, .ungradedRecommendation:
            .warning
        default: .error
        }
    }
}

extension Diagnostic: Comparable {
    /// File, line, column, then rule: the order every report uses.
    package static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.file, a.position.line, a.position.column, a.rule.rawValue, a.message)
            < (b.file, b.position.line, b.position.column, b.rule.rawValue, b.message)
    }
}

extension Array where Element == Diagnostic {
    package var errorCount: Int { count { $0.severity == .error } }
    package var warningCount: Int { count { $0.severity == .warning } }
}
