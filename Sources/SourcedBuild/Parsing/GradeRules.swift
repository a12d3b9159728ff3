import SourcedCore
import SourcedMarkdown

/// The evidence-grade rules of one page: each `[grade: …]` tag names a grade of `site.yaml`'s
/// scheme, a claim carries at most one, and a claim that makes a recommendation (holds one of
/// `evidence.require_for`'s words) carries one. Checked where the page is parsed: the claims
/// these rules read are dropped after it.
enum GradeRules {
    static func diagnostics(_ markdown: RenderedMarkdown, file: String, settings: SiteSettings, isTopic: Bool)
        -> [Diagnostic]
    {
        var diagnostics: [Diagnostic] = []
        let evidence = settings.evidence
        var perClaim: [Int: Int] = [:]
        for tag in markdown.grades {
            if let claim = tag.claim {
                perClaim[claim, default: 0] += 1
                if perClaim[claim]! > 1 {
                    diagnostics.append(
                        Diagnostic(
                            file: file, position: tag.position, rule: .invalidGrade,
                            message: "a claim carries one grade; this is its grade number \(perClaim[claim]!)",
                            hint: "keep the grade of the claim's strongest recommendation, or split the claim"))
                    continue
                }
            }
            guard let evidence else {
                diagnostics.append(
                    Diagnostic(
                        file: file, position: tag.position, rule: .invalidGrade,
                        message: "'[grade: \(tag.grade)]' grades a claim, but site.yaml defines no evidence grades",
                        hint: "add evidence: {scheme: GRADE, grades: {\(tag.grade): …}} to site.yaml"))
                continue
            }
            if evidence.meaning(of: tag.grade) == nil {
                let names = evidence.grades.map(\.name)
                let suggestion = nearest(tag.grade, in: names).map { "did you mean '\($0)'? " } ?? ""
                diagnostics.append(
                    Diagnostic(
                        file: file, position: tag.position, rule: .invalidGrade,
                        message: "unknown \(evidence.scheme) grade '\(tag.grade)'",
                        hint: "\(suggestion)site.yaml's grades: \(names.joined(separator: ", "))"))
            }
        }
        guard isTopic, let evidence, !evidence.requireFor.isEmpty, let severity = severity(evidence.ungraded) else {
            return diagnostics
        }
        let phrases = evidence.requireFor.map(words).filter { !$0.isEmpty }
        let exempt = Set(settings.exemptSections.map { $0.lowercased() })
        for claim in markdown.claims where claim.gradeCount == 0 && !claim.isLeadIn {
            guard !claim.sections.contains(where: { exempt.contains($0.lowercased()) }) else { continue }
            let text = words(claim.text)
            guard let phrase = phrases.first(where: { contains(text, $0) }) else { continue }
            diagnostics.append(
                Diagnostic(
                    file: file, position: claim.position, severity: severity, rule: .ungradedRecommendation,
                    message: "\(claim.kind.description) says '\(phrase.joined(separator: " "))' but has no grade",
                    hint:
                        "end it with its \(evidence.scheme) grade, such as [grade: \(evidence.grades.first?.name ?? "1A")]"
                ))
        }
        return diagnostics
    }

    private static func severity(_ policy: SiteSettings.ClaimPolicy) -> Severity? {
        switch policy {
        case .off: nil
        case .warning: .warning
        case .error: .error
        }
    }

    /// The text's words, lower-cased: runs of letters and digits.
    static func words(_ text: String) -> [Substring] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }
    }

    private static func contains(_ words: [Substring], _ phrase: [Substring]) -> Bool {
        guard phrase.count <= words.count else { return false }
        return (0...(words.count - phrase.count)).contains { start in
            zip(words[start...], phrase).allSatisfy { $0 == $1 }
        }
    }
}
