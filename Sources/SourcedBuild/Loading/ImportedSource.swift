import SourcedCore

/// A source as a reference manager's file (BibTeX, CSL-JSON) gives it, each field with the line
/// it stands at, before it is checked and becomes a `Reference` as `bibliography.yaml`'s are.
struct ImportedSource {
    struct Field {
        var value: String
        var position: TextPosition
    }

    var file: String
    /// Where the entry starts.
    var position: TextPosition
    var id: Field
    var type: Reference.Kind = .other
    var title: Field?
    /// Written as Sourced writes them: "Family Initials", or an organisation's name.
    var authors: [String] = []
    var container: Field?
    var year: Field?
    var volume: Field?
    var pages: Field?
    var doi: Field?
    var pmid: Field?
    var pmcid: Field?
    var url: Field?

    init(file: String, position: TextPosition, id: Field) {
        self.file = file
        self.position = position
        self.id = id
    }

    /// The checked source: a key that is no key or a missing title drops the entry; a malformed
    /// identifier is reported and dropped, as in `bibliography.yaml`.
    func located(reporting diagnostics: inout [Diagnostic]) -> LocatedReference? {
        func report(_ at: TextPosition, _ message: String, hint: String? = nil) {
            diagnostics.append(
                Diagnostic(file: file, position: at, rule: .invalidReference, message: message, hint: hint))
        }
        guard ReferenceDecoder.isValidKey(id.value) else {
            report(id.position, "reference id '\(id.value)' may hold only letters, digits and _ : . - /")
            return nil
        }
        guard let title, !title.value.isEmpty else {
            report(position, "reference '\(id.value)' has no title", hint: "give the entry a title")
            return nil
        }
        /// The field normalised, or nil (reported) when malformed, as `bibliography.yaml`'s are.
        func checked(_ field: Field?, _ identifier: ReferenceDecoder.Identifier) -> String? {
            guard let field else { return nil }
            let value = identifier.normalised(field.value)
            if let problem = identifier.problem(id: id.value, value: value) {
                report(field.position, problem.message, hint: problem.hint)
                return nil
            }
            return value
        }
        let (doi, pmid, pmcid, url) = (
            checked(doi, .doi), checked(pmid, .pmid), checked(pmcid, .pmcid), checked(url, .url)
        )
        let reference = Reference(
            id: id.value, type: type, title: title.value, authors: authors, container: container?.value,
            year: year?.value, volume: volume?.value, pages: pages?.value, doi: doi, pmid: pmid, pmcid: pmcid,
            url: url)
        return LocatedReference(reference: reference, file: file, position: position)
    }

    /// "Family Initials" from a family name and given names: `Horacio J.`, `H. J.`, `HJ` and
    /// `Jean-Pierre` give `HJ`, `HJ`, `HJ` and `JP`.
    static func author(family: String, given: String?) -> String {
        guard let given, !given.isEmpty else { return family }
        let words = given.split(whereSeparator: { $0 == " " || $0 == "." || $0 == "-" || $0 == "\u{A0}" })
        let initials: String
        if words.count == 1, let only = words.first, only.count <= 3, only.allSatisfy(\.isUppercase) {
            initials = String(only)
        } else {
            initials = String(words.compactMap(\.first).map { Character($0.uppercased()) })
        }
        return initials.isEmpty ? family : "\(family) \(initials)"
    }

    /// A year from a date as reference managers write one (`2020`, `2020-03-01`, `March 2020`).
    static func year(_ text: String) -> String? {
        let digits = Array(text)
        var index = 0
        while index + 4 <= digits.count {
            let run = digits[index..<index + 4]
            if run.allSatisfy(\.isASCIIDigit),
                index == 0 || !digits[index - 1].isASCIIDigit,
                index + 4 == digits.count || !digits[index + 4].isASCIIDigit
            {
                return String(run)
            }
            index += 1
        }
        return nil
    }
}
