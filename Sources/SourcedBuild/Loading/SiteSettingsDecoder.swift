import SourcedCore
import Yams

/// Decodes `Content/site.yaml`; a missing file gives the defaults.
enum SiteSettingsDecoder {
    static func decode(_ file: SourceFile?) -> (SiteSettings, [Diagnostic]) {
        let (settings, diagnostics, _) = decodeWithPositions(file)
        return (settings, diagnostics)
    }

    /// The same, with where each top-level field's value starts (`disclaimer`, say).
    static func decodeWithPositions(_ file: SourceFile?) -> (SiteSettings, [Diagnostic], [String: TextPosition]) {
        var settings = SiteSettings()
        guard let file else { return (settings, [], [:]) }
        var reader = YAMLReader(file: file.path, lineOffset: 0)
        guard let text = reader.text(of: file) else { return (settings, reader.diagnostics, [:]) }
        guard let root = reader.compose(text),
            let f = reader.mapping(
                root, "site.yaml",
                allowed: [
                    "title", "base_url", "language", "disclaimer", "review", "publish", "citations", "editorial_policy",
                    "review_board", "edit_url", "audiences", "audience_prompt", "sources", "evidence",
                    "bibliography",
                ])
        else { return (settings, reader.diagnostics, [:]) }
        let positions = f.mapValues { reader.position($0) }

        if let title = reader.requiredString(f, "title", in: "site.yaml", at: root) { settings.title = title }
        settings.baseURL = reader.string(f["base_url"], "base_url") ?? settings.baseURL
        settings.language = reader.string(f["language"], "language") ?? settings.language
        settings.disclaimer = reader.string(f["disclaimer"], "disclaimer")
        settings.reviewBoard = reader.string(f["review_board"], "review_board")
        if let node = f["editorial_policy"], let path = reader.string(node, "editorial_policy") {
            // It becomes a Markdown link's destination: nothing in it may end the link.
            if path.isEmpty || path.contains(where: { "<>\n\r".contains($0) }) {
                reader.report(node, "'editorial_policy' must be the path of a page, such as about/editorial-policy.md")
            } else {
                settings.editorialPolicy = path
            }
        }
        if let node = f["edit_url"], let url = reader.string(node, "edit_url") {
            if !ReferenceDecoder.isValidWebURL(url.replacingOccurrences(of: "{path}", with: "x"))
                || !url.contains("{path}")
            {
                reader.report(
                    node, "'edit_url' must be an http or https URL with {path} where the page's path goes",
                    hint: "such as https://github.com/org/kb/edit/main/Content/{path}")
            } else {
                settings.editURL = url
            }
        }
        if let node = f["audiences"] { settings.audiences = audiences(node, reader: &reader) }
        settings.audiencePrompt = reader.string(f["audience_prompt"], "audience_prompt") ?? settings.audiencePrompt
        if let node = f["sources"],
            let sources = reader.mapping(node, "sources", allowed: ["retractions", "retracted"])
        {
            if let node = sources["retractions"], let path = reader.string(node, "retractions") {
                if path.isEmpty || path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                    reader.report(
                        node, "'retractions' must be a path inside the content folder, such as retraction_watch.csv")
                } else {
                    settings.retractionsPath = path
                }
            }
            settings.retractedSeverity =
                reader.choice(sources["retracted"], "severity for 'retracted'", as: Severity.self)
                ?? settings.retractedSeverity
        }
        if let node = f["evidence"] { settings.evidence = evidence(node, reader: &reader) }
        if let node = f["bibliography"] { settings.bibliographyFiles = bibliographyFiles(node, reader: &reader) }
        if let node = f["review"],
            let review = reader.mapping(node, "review", allowed: ["max_age_days", "dashboard", "due_soon_days"])
        {
            settings.reviewMaxAgeDays =
                reader.integer(review["max_age_days"], "max_age_days", in: SiteSettings.reviewMaxAgeRange)
                ?? settings.reviewMaxAgeDays
            settings.reviewDashboard = reader.bool(review["dashboard"], "dashboard") ?? settings.reviewDashboard
            settings.reviewDueSoonDays =
                reader.integer(review["due_soon_days"], "due_soon_days", in: SiteSettings.reviewMaxAgeRange)
                ?? settings.reviewDueSoonDays
        }
        if let node = f["publish"], let publish = reader.mapping(node, "publish", allowed: ["statuses"]) {
            if let statuses = publish["statuses"] {
                settings.publishStatuses = listOfChoices(statuses, "status", reader: &reader)
            }
        }
        if let node = f["citations"],
            let citations = reader.mapping(node, "citations", allowed: ["uncited_claims", "exempt_sections"])
        {
            settings.uncitedClaims =
                reader.choice(citations["uncited_claims"], "uncited_claims", as: SiteSettings.ClaimPolicy.self)
                ?? settings.uncitedClaims
            if let sections = citations["exempt_sections"] {
                settings.exemptSections = reader.stringList(sections, "exempt_sections")
            }
        }
        return (settings, reader.diagnostics, positions)
    }

    /// `audiences: {clinician: Healthcare professional, …}`, in the order written: the names
    /// pages may use, each with the label of its switch.
    private static func audiences(_ node: Node, reader: inout YAMLReader) -> [SiteSettings.Audience] {
        guard case .mapping(let mapping) = node else {
            reader.report(
                node, "'audiences' must map each audience's name to its label",
                hint: "such as {clinician: Healthcare professional, patient: Patient or caregiver}")
            return []
        }
        var audiences: [SiteSettings.Audience] = []
        for (key, value) in mapping {
            guard let name = reader.string(key, "audiences"), let label = reader.string(value, name) else { continue }
            if !TopicDecoder.isValidSlug(name) {
                reader.report(
                    key, "audience '\(name)' may hold only lower-case letters, digits, '-' and '_'",
                    rule: .invalidAudience, hint: "it becomes the variant's URL, topics/<slug>/<audience>/")
            } else if label.isEmpty {
                reader.report(value, "audience '\(name)' needs a label, such as 'Patient or caregiver'")
            } else {
                audiences.append(.init(name: name, label: label))
            }
        }
        return audiences
    }

    /// `evidence: {scheme: GRADE, grades: {1A: …}, require_for: [recommend], ungraded: warning}`.
    private static func evidence(_ node: Node, reader: inout YAMLReader) -> SiteSettings.Evidence? {
        guard
            let f = reader.mapping(node, "evidence", allowed: ["scheme", "grades", "require_for", "ungraded"])
        else { return nil }
        var grades: [SiteSettings.Evidence.Grade] = []
        if case .mapping(let mapping) = f["grades"] {
            for (key, value) in mapping {
                guard let name = reader.string(key, "grades"), let meaning = reader.string(value, name) else {
                    continue
                }
                if name.isEmpty || name.contains(where: { $0.isWhitespace || $0 == "]" || $0 == "[" }) {
                    reader.report(key, "grade '\(name)' may not be empty or hold spaces or brackets")
                } else {
                    grades.append(.init(name: name, meaning: meaning))
                }
            }
        } else {
            reader.report(
                f["grades"] ?? node, "'evidence' must map each grade to its meaning under 'grades'",
                hint: "such as grades: {1A: Strong recommendation, high-quality evidence}")
        }
        return SiteSettings.Evidence(
            scheme: reader.string(f["scheme"], "scheme") ?? "Evidence grade", grades: grades,
            requireFor: reader.stringList(f["require_for"], "require_for"),
            ungraded: reader.choice(f["ungraded"], "ungraded", as: SiteSettings.ClaimPolicy.self) ?? .warning)
    }

    private static func listOfChoices(_ node: Node, _ field: String, reader: inout YAMLReader) -> [ReviewStatus] {
        guard case .sequence(let sequence) = node else {
            reader.report(node, "'statuses' must be a list")
            return ReviewStatus.allCases
        }
        return sequence.compactMap { reader.choice($0, field, as: ReviewStatus.self) }
    }

    /// `bibliography: [library.bib, zotero.json]`: paths inside the content folder, each ending
    /// in `.bib` or `.json` (which says how it is read).
    static func bibliographyFiles(_ node: Node, reader: inout YAMLReader) -> [String] {
        var paths: [String] = []
        let items: [Node]
        if case .sequence(let sequence) = node { items = Array(sequence) } else { items = [node] }
        for item in items {
            guard let path = reader.string(item, "bibliography") else { continue }
            let lower = path.lowercased()
            if path.isEmpty || path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                reader.report(item, "'bibliography' must list paths inside the content folder, such as library.bib")
            } else if !(lower.hasSuffix(".bib") || lower.hasSuffix(".json")) {
                reader.report(
                    item, "'\(path)' is neither a BibTeX file (.bib) nor a CSL-JSON file (.json)",
                    hint: "export the library from the reference manager as BibTeX or as CSL JSON")
            } else if paths.contains(path) {
                reader.report(item, "'\(path)' is listed twice under 'bibliography'")
            } else {
                paths.append(path)
            }
        }
        return paths
    }
}
