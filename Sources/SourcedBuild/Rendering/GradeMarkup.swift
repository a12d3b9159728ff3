import SourcedCore

/// The HTML of an evidence grade tag: `<span class="evidence-grade" data-grade="1A">`, focusable,
/// with the grade's meaning shown on hover and focus (`assets/citations.js` lets Esc hide it).
/// It is a `note` so that its label may be given (axe-core's `aria-prohibited-attr`: a plain
/// span may not carry `aria-label`), and a screen reader reads "Grade 1D: …" once.
enum GradeMarkup {
    struct Grade: Sendable, Equatable {
        var name: String
        /// Empty for a grade the scheme lacks (which `check` reports).
        var meaning: String
    }

    static func html(_ grade: Grade) -> String {
        let name = grade.name.htmlEscaped
        let label = grade.meaning.isEmpty ? "Grade \(name)" : "Grade \(name): \(grade.meaning.htmlEscaped)"
        var html = "<span class=\"evidence-grade\" data-grade=\"\(name)\" tabindex=\"0\" role=\"note\""
        html += " aria-label=\"\(label)\">"
        html += "<span class=\"grade-name\" aria-hidden=\"true\">\(name)</span>"
        if !grade.meaning.isEmpty {
            html += "<span class=\"grade-meaning\" aria-hidden=\"true\">\(grade.meaning.htmlEscaped)</span>"
        }
        return html + "</span>"
    }
}
