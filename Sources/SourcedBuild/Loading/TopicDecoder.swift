import SourcedCore
import Yams

/// Decodes a topic page's front matter into `TopicMetadata`.
enum TopicDecoder {
    static let fields = [
        "title", "question", "summary", "slug", "tags", "audience", "review", "references", "kind", "nav",
        "audiences",
    ]
    static let reviewFields = [
        "status", "reviewers", "reviewed", "updated", "fingerprint", "owner", "interval_days", "literature_through",
    ]

    /// - Parameter audiences: the audience names `site.yaml` lists; empty allows any.
    static func decode(
        _ yaml: String, file: String, lineOffset: Int, audiences known: [String] = []
    ) -> (TopicMetadata?, [Diagnostic]) {
        var reader = YAMLReader(file: file, lineOffset: lineOffset)
        guard let root = reader.compose(yaml) else { return (nil, reader.diagnostics) }
        guard let f = reader.mapping(root, "front matter", allowed: fields) else { return (nil, reader.diagnostics) }

        let title = reader.requiredString(f, "title", in: "front matter", at: root)
        let kind = reader.choice(f["kind"], "kind", as: TopicMetadata.Kind.self) ?? .topic
        let slug = reader.string(f["slug"], "slug")
        if let slug, let node = f["slug"], !isValidSlug(slug) {
            reader.report(node, "slug '\(slug)' may hold only lower-case letters, digits, '-' and '_'")
        }
        var positions: [String: TextPosition] = [:]
        for (key, node) in f { positions[key] = reader.position(node) }
        var review: TopicMetadata.Review?
        if let node = f["review"], let r = reader.mapping(node, "review", allowed: reviewFields) {
            for (key, node) in r { positions["review." + key] = reader.position(node) }
            // Every field is read even when the status is bad, so all problems show at once.
            let reviewers = reader.stringList(r["reviewers"], "reviewers")
            let reviewed = reader.day(r["reviewed"], "reviewed")
            let updated = reader.day(r["updated"], "updated")
            let fingerprint = reader.string(r["fingerprint"], "fingerprint")
            let owner = reader.string(r["owner"], "owner")
            let interval = reader.integer(r["interval_days"], "interval_days", in: SiteSettings.reviewIntervalRange)
            let literature = reader.day(r["literature_through"], "literature_through")
            if let status = reader.choice(r["status"], "review status", as: ReviewStatus.self) {
                review = .init(
                    status: status, reviewers: reviewers, reviewed: reviewed, updated: updated, fingerprint: fingerprint
                )
                review?.owner = owner
                review?.intervalDays = interval
                review?.literatureThrough = literature
            } else if r["status"] == nil {
                reader.report(
                    node, "review is missing the required field 'status'",
                    hint: "use one of: \(ReviewStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        } else if f["review"] == nil, kind == .topic {
            reader.report(root, "front matter is missing the required field 'review' (with its 'status')")
        }
        let references = ReferenceDecoder.decodeList(f["references"], reader: &reader)
        reportDuplicateKeys(references, reader: &reader)

        var metadata = TopicMetadata(
            title: title ?? "",
            question: reader.string(f["question"], "question"),
            summary: reader.string(f["summary"], "summary"),
            slug: slug,
            tags: reader.stringList(f["tags"], "tags"),
            audience: reader.string(f["audience"], "audience"),
            review: review ?? .init(status: .draft),
            references: references)
        metadata.kind = kind
        metadata.nav = reader.bool(f["nav"], "nav") ?? false
        metadata.audiences = audiences(f, known: known, reader: &reader)
        metadata.positions = positions
        // A plain page needs no review; one it gives is read as a topic's is.
        let valid = title != nil && (review != nil || (kind == .page && f["review"] == nil))
        return (valid ? metadata : nil, reader.diagnostics)
    }

    /// `audiences:`, each name once and usable in a URL; a page gives it or `audience:`, not both.
    private static func audiences(_ f: [String: Node], known: [String], reader: inout YAMLReader) -> [String] {
        guard let node = f["audiences"] else { return [] }
        if let single = f["audience"] {
            reader.report(
                single, "a page gives 'audience' (a label) or 'audiences' (its variants), not both",
                hint: "drop 'audience': each variant is labelled by its audience")
        }
        guard case .sequence(let items) = node else {
            reader.report(node, "'audiences' must be a list of audience names, such as [clinician, patient]")
            return []
        }
        var names: [String] = []
        for item in items {
            guard let name = reader.string(item, "audiences") else { continue }
            if !isValidSlug(name) {
                reader.report(
                    item, "audience '\(name)' may hold only lower-case letters, digits, '-' and '_'",
                    rule: .invalidAudience, hint: "it becomes the variant's URL, topics/<slug>/\(name.lowercased())/")
            } else if names.contains(name) {
                reader.report(item, "audience '\(name)' is listed twice", rule: .invalidAudience)
            } else if !known.isEmpty, !known.contains(name) {
                let suggestion = nearest(name, in: known).map { "did you mean '\($0)'? " } ?? ""
                reader.report(
                    item, "audience '\(name)' is not one of site.yaml's audiences", rule: .invalidAudience,
                    hint: "\(suggestion)site.yaml lists: \(known.joined(separator: ", "))")
            } else {
                names.append(name)
            }
        }
        if names.isEmpty, items.isEmpty {
            reader.report(node, "'audiences' lists no audience", rule: .invalidAudience)
        }
        return names
    }

    private static func reportDuplicateKeys(_ references: [LocatedReference], reader: inout YAMLReader) {
        var seen: Set<String> = []
        for located in references where !seen.insert(located.reference.id).inserted {
            reader.append(
                Diagnostic(
                    file: located.file, position: located.position, rule: .duplicateReference,
                    message: "reference '\(located.reference.id)' is listed twice on this page"))
        }
    }

    static func isValidSlug(_ slug: String) -> Bool {
        !slug.isEmpty
            && slug.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
    }
}
