import Foundation
import SourcedCore

/// Renders diagnostics in the formats of SPEC §6. The one place messages are formatted.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case text, json, github, sarif
}

public enum DiagnosticReport {
    public static func render(_ diagnostics: [Diagnostic], pages: Int, format: DiagnosticFormat) -> String {
        let diagnostics = diagnostics.map(oneLine)
        return switch format {
        case .text: text(diagnostics, pages: pages)
        case .json: json(diagnostics, pages: pages)
        case .github: github(diagnostics)
        case .sarif: sarif(diagnostics)
        }
    }

    /// `file:line:col: severity: message [rule]`, with the hint on an indented line.
    public static func line(_ diagnostic: Diagnostic) -> String {
        formatted(oneLine(diagnostic))
    }

    /// `line`, for a diagnostic already passed through `oneLine`.
    private static func formatted(_ d: Diagnostic) -> String {
        var out =
            "\(d.file):\(d.position.line):\(d.position.column): \(d.severity.rawValue): \(d.message) [\(d.rule.rawValue)]"
        if let hint = d.hint { out += "\n    hint: \(hint)" }
        return out
    }

    /// The diagnostic with every control character and line or paragraph separator in its
    /// file, message and hint written as an escape (`\n`, `\u{1}`): text from the content can
    /// then neither split a diagnostic over lines nor start a line of its own, which a CI
    /// runner would read as a command (GitHub Actions' `::add-mask::`, `::error`).
    static func oneLine(_ d: Diagnostic) -> Diagnostic {
        var d = d
        d.file = oneLine(d.file)
        d.message = oneLine(d.message)
        d.hint = d.hint.map(oneLine)
        return d
    }

    static func oneLine(_ text: String) -> String {
        func isBreaking(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
        // Most messages are ASCII without a control byte; only the rest are looked at closely.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }), text.unicodeScalars.contains(where: isBreaking)
        else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isBreaking(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public static func summary(_ diagnostics: [Diagnostic], pages: Int) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return
            "\(plural(diagnostics.errorCount, "error")), \(plural(diagnostics.warningCount, "warning")) in \(plural(pages, "page"))"
    }

    static func text(_ diagnostics: [Diagnostic], pages: Int) -> String {
        (diagnostics.map(formatted) + [summary(diagnostics, pages: pages)]).joined(separator: "\n") + "\n"
    }

    struct JSONReport: Encodable {
        struct Entry: Encodable {
            var file: String
            var line: Int
            var column: Int
            var severity: String
            var rule: String
            var message: String
            var hint: String?
        }
        struct Summary: Encodable {
            var errors: Int
            var warnings: Int
            var pages: Int
        }
        var diagnostics: [Entry]
        var summary: Summary
    }

    static func json(_ diagnostics: [Diagnostic], pages: Int) -> String {
        let report = JSONReport(
            diagnostics: diagnostics.map {
                .init(
                    file: $0.file, line: $0.position.line, column: $0.position.column, severity: $0.severity.rawValue,
                    rule: $0.rule.rawValue, message: $0.message, hint: $0.hint)
            },
            summary: .init(errors: diagnostics.errorCount, warnings: diagnostics.warningCount, pages: pages))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(report)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func github(_ diagnostics: [Diagnostic]) -> String {
        func escapeData(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A")
        }
        func escapeProperty(_ s: String) -> String {
            escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        return diagnostics.map { d in
            "::\(d.severity.rawValue) file=\(escapeProperty(d.file)),line=\(d.position.line),col=\(d.position.column),title=\(d.rule.rawValue)::\(escapeData(d.message + (d.hint.map { " (\($0))" } ?? "")))"
        }.map { $0 + "\n" }.joined()
    }

    static func sarif(_ diagnostics: [Diagnostic]) -> String {
        let rules = Rule.allCases.map { rule -> [String: Any] in
            ["id": rule.rawValue, "defaultConfiguration": ["level": rule.defaultSeverity.rawValue]]
        }
        let ruleIndex = Dictionary(uniqueKeysWithValues: Rule.allCases.enumerated().map { ($1, $0) })
        let results = diagnostics.map { d -> [String: Any] in
            [
                "ruleId": d.rule.rawValue,
                "ruleIndex": ruleIndex[d.rule]!,
                "level": d.severity.rawValue,
                "message": ["text": d.message + (d.hint.map { " (\($0))" } ?? "")],
                "locations": [
                    [
                        "physicalLocation": [
                            "artifactLocation": ["uri": d.file],
                            "region": ["startLine": d.position.line, "startColumn": d.position.column],
                        ]
                    ]
                ],
            ]
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": ["driver": ["name": "sourced", "rules": rules]],
                    "columnKind": "unicodeCodePoints",
                    "results": results,
                ]
            ],
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: log, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
