import SourcedCore
import Yams

/// Reads typed values out of a composed YAML tree, reporting every problem with the
/// node's own line and column.
///
/// Values are taken as written: scalars are never resolved by Yams, so `no` stays the
/// text "no" and `1.10` stays "1.10".
struct YAMLReader {
    let file: String
    /// File lines before the YAML text.
    let lineOffset: Int
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, lineOffset: Int) {
        self.file = file
        self.lineOffset = lineOffset
    }

    /// The text of a whole YAML file (`site.yaml`, `bibliography.yaml`), without the byte-order
    /// mark Windows editors put first (a page's front matter drops it in `FrontMatter.split`);
    /// nil, with an `invalid-encoding` diagnostic, when it is not UTF-8.
    mutating func text(of file: SourceFile) -> String? {
        var bytes = file.bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let name = file.relativePath.split(separator: "/").last.map(String.init) ?? file.relativePath
            diagnostics.append(
                Diagnostic(
                    file: file.path, position: .init(line: 1, column: 1), rule: .invalidEncoding,
                    message: "\(name) is not valid UTF-8"))
            return nil
        }
        return text
    }

    /// Composes `text` after `YAMLGuard` has passed it; nil (with a diagnostic) when it cannot.
    mutating func compose(_ text: String) -> Node? {
        if let problem = YAMLGuard.check(text) {
            report(line: problem.line, column: problem.column, problem.message)
            return nil
        }
        do {
            // The basic resolver never runs Yams' tag regexes: values are read as written
            // anyway, and resolving cost more than the rest of the page's work. An explicit
            // encoding keeps Yams from copying the whole environment on every call to look
            // for YAMS_DEFAULT_ENCODING (3% of a 10,000-page check).
            return try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            let (mark, problem) = Self.describe(error)
            report(line: mark?.line ?? 1, column: mark?.column ?? 1, "YAML syntax error: \(problem)")
        } catch {
            report(line: 1, column: 1, "YAML syntax error: \(error)")
        }
        return nil
    }

    func position(_ node: Node) -> TextPosition {
        let mark = node.mark
        return TextPosition(line: (mark?.line ?? 1) + lineOffset, column: mark?.column ?? 1)
    }

    mutating func report(
        _ node: Node, _ message: String, severity: Severity = .error, rule: Rule = .frontMatter, hint: String? = nil
    ) {
        diagnostics.append(
            Diagnostic(
                file: file, position: position(node), severity: severity, rule: rule, message: message, hint: hint))
    }

    mutating func append(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    mutating func report(line: Int, column: Int, _ message: String) {
        diagnostics.append(
            Diagnostic(
                file: file, position: TextPosition(line: line + lineOffset, column: column), rule: .frontMatter,
                message: message))
    }

    // MARK: Shapes

    /// The pairs of a mapping, warning about keys outside `allowed`.
    mutating func mapping(_ node: Node, _ what: String, allowed: [String]) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            report(node, "\(what) must be a mapping of keys to values")
            return nil
        }
        var fields: [String: Node] = [:]
        fields.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report(key, "\(what) has a key that is not text")
                continue
            }
            if allowed.contains(scalar.string) {
                fields[scalar.string] = value
            } else {
                let suggestion = nearest(scalar.string, in: allowed).map { "did you mean '\($0)'? " } ?? ""
                report(
                    key, "unknown key '\(scalar.string)' in \(what)", severity: .warning,
                    hint: "\(suggestion)allowed keys: \(allowed.joined(separator: ", "))")
            }
        }
        return fields
    }

    mutating func string(_ node: Node?, _ field: String) -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node else {
            report(node, "'\(field)' must be text")
            return nil
        }
        // A plain `~`, `null` or empty value is YAML's null: the field is absent.
        let text = scalar.string
        if scalar.style == .plain {
            switch text {
            case "", "~", "null", "Null", "NULL": return nil
            default: break
            }
        }
        guard let forbidden = text.firstCharacterForbiddenInMarkup else { return text }
        report(
            node,
            "'\(field)' holds the control character U+\(String(forbidden.value, radix: 16, uppercase: true).leftPadded(to: 4)), which no web page, feed or sitemap may carry",
            hint: "delete it (a YAML escape such as \"\\x01\" writes one); tabs and line breaks are fine")
        return text.withoutCharactersForbiddenInMarkup
    }

    mutating func requiredString(_ fields: [String: Node], _ field: String, in what: String, at node: Node) -> String? {
        if let value = string(fields[field], field), !value.isEmpty { return value }
        if fields[field]?.scalar != nil || fields[field] == nil {
            report(fields[field] ?? node, "\(what) is missing the required field '\(field)'")
        }
        return nil
    }

    /// A list of text; a single scalar counts as a list of one.
    mutating func stringList(_ node: Node?, _ field: String) -> [String] {
        guard let node else { return [] }
        switch node {
        case .sequence(let sequence):
            return sequence.compactMap { string($0, field) }
        case .scalar:
            return string(node, field).map { [$0] } ?? []
        default:
            report(node, "'\(field)' must be a list of text")
            return []
        }
    }

    mutating func day(_ node: Node?, _ field: String) -> Day? {
        guard let text = string(node, field), let node else { return nil }
        guard let day = Day(text) else {
            report(node, "'\(field)' must be a date written YYYY-MM-DD, not '\(text)'")
            return nil
        }
        return day
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node?, _ field: String, as: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, field), let node else { return nil }
        guard let value = T(rawValue: text) else {
            report(
                node, "unknown \(field) '\(text)'",
                hint: "use one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A whole number in `range`: every number a user writes bounds a computation (a date, a
    /// count), and a bound keeps that from overflowing.
    mutating func integer(_ node: Node?, _ field: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, field), let node else { return nil }
        guard let value = Int(text), range.contains(value) else {
            report(
                node,
                "'\(field)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node?, _ field: String) -> Bool? {
        guard let text = string(node, field), let node else { return nil }
        switch text {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        default:
            report(node, "'\(field)' must be true or false, not '\(text)'")
            return nil
        }
    }

    private static func describe(_ error: YamlError) -> (Mark?, String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return (mark, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark, "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return (nil, problem)
        default:
            return (nil, "\(error)")
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
func nearest(_ word: String, in candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(word.lowercased(), candidate.lowercased())
        if distance <= max(1, word.count / 3), distance < word.count, distance < (best?.1 ?? .max) {
            best = (candidate, distance)
        }
    }
    return best?.0
}

/// Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}
