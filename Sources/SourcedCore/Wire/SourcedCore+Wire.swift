// The wire form of the core values a page's result carries; fields in declaration order.

extension TextPosition: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(line)
        wire.write(column)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(line: try wire.read(), column: try wire.read())
    }
}

extension Day: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(description)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        guard let day = Day(try wire.read() as String) else { throw WireError() }
        self = day
    }
}

extension ReviewStatus: WireCodable {}
extension Reference.Kind: WireCodable {}
extension TopicMetadata.Kind: WireCodable {}
extension Severity: WireCodable {}
extension Rule: WireCodable {}
extension SiteSettings.ClaimPolicy: WireCodable {}

extension Diagnostic: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(file)
        wire.write(position)
        wire.write(severity)
        wire.write(rule)
        wire.write(message)
        wire.write(hint)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            file: try wire.read(), position: try wire.read(), severity: try wire.read() as Severity,
            rule: try wire.read(), message: try wire.read(), hint: try wire.read())
    }
}

extension Reference: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(id)
        wire.write(type)
        wire.write(title)
        wire.write(authors)
        wire.write(container)
        wire.write(year)
        wire.write(volume)
        wire.write(pages)
        wire.write(doi)
        wire.write(pmid)
        wire.write(pmcid)
        wire.write(url)
        wire.write(status)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            id: try wire.read(), type: try wire.read(), title: try wire.read(), authors: try wire.read(),
            container: try wire.read(), year: try wire.read(), volume: try wire.read(), pages: try wire.read(),
            doi: try wire.read(), pmid: try wire.read(), pmcid: try wire.read(), url: try wire.read(),
            status: try wire.read())
    }
}

extension SourceStatus.Kind: WireCodable {}

extension SourceStatus: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(kind)
        wire.write(date)
        wire.write(note)
        wire.write(noticeURL)
        wire.write(supersededBy)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            kind: try wire.read(), date: try wire.read(), note: try wire.read(), noticeURL: try wire.read(),
            supersededBy: try wire.read())
    }
}

extension LocatedReference: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(reference)
        wire.write(file)
        wire.write(position)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(reference: try wire.read(), file: try wire.read(), position: try wire.read())
    }
}

extension TopicMetadata.Review: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(status)
        wire.write(reviewers)
        wire.write(reviewed)
        wire.write(updated)
        wire.write(fingerprint)
        wire.write(owner)
        wire.write(intervalDays)
        wire.write(literatureThrough)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            status: try wire.read(), reviewers: try wire.read(), reviewed: try wire.read(), updated: try wire.read(),
            fingerprint: try wire.read())
        owner = try wire.read()
        intervalDays = try wire.read()
        literatureThrough = try wire.read()
    }
}

extension TopicMetadata: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(title)
        wire.write(question)
        wire.write(summary)
        wire.write(slug)
        wire.write(tags)
        wire.write(audience)
        wire.write(review)
        wire.write(references)
        wire.write(kind)
        wire.write(nav)
        wire.write(audiences)
        let fields = positions.keys.sorted()
        wire.write(fields)
        for field in fields { wire.write(positions[field]!) }
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            title: try wire.read(), question: try wire.read(), summary: try wire.read(), slug: try wire.read(),
            tags: try wire.read(), audience: try wire.read(), review: try wire.read(), references: try wire.read())
        kind = try wire.read()
        nav = try wire.read()
        audiences = try wire.read()
        let fields: [String] = try wire.read()
        for field in fields { positions[field] = try wire.read() as TextPosition }
    }
}

extension SiteSettings: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(title)
        wire.write(baseURL)
        wire.write(language)
        wire.write(disclaimer)
        wire.write(reviewMaxAgeDays)
        wire.write(reviewDashboard)
        wire.write(publishStatuses)
        wire.write(uncitedClaims)
        wire.write(exemptSections)
        wire.write(editorialPolicy)
        wire.write(reviewBoard)
        wire.write(editURL)
        wire.write(audiences.count)
        for audience in audiences {
            wire.write(audience.name)
            wire.write(audience.label)
        }
        wire.write(audiencePrompt)
        wire.write(retractionsPath)
        wire.write(retractedSeverity)
        wire.write(reviewDueSoonDays)
        wire.write(evidence != nil)
        if let evidence {
            wire.write(evidence.scheme)
            wire.write(evidence.grades.count)
            for grade in evidence.grades {
                wire.write(grade.name)
                wire.write(grade.meaning)
            }
            wire.write(evidence.requireFor)
            wire.write(evidence.ungraded)
        }
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            title: try wire.read(), baseURL: try wire.read(), language: try wire.read(), disclaimer: try wire.read(),
            reviewMaxAgeDays: try wire.read(), reviewDashboard: try wire.read(), publishStatuses: try wire.read(),
            uncitedClaims: try wire.read(), exemptSections: try wire.read(), editorialPolicy: try wire.read(),
            reviewBoard: try wire.read(), editURL: try wire.read())
        let count: Int = try wire.read()
        for _ in 0..<max(0, count) {
            audiences.append(.init(name: try wire.read(), label: try wire.read()))
        }
        audiencePrompt = try wire.read()
        retractionsPath = try wire.read()
        retractedSeverity = try wire.read()
        reviewDueSoonDays = try wire.read()
        if try wire.read() as Bool {
            let scheme: String = try wire.read()
            let count: Int = try wire.read()
            var grades: [Evidence.Grade] = []
            for _ in 0..<max(0, count) { grades.append(.init(name: try wire.read(), meaning: try wire.read())) }
            evidence = Evidence(
                scheme: scheme, grades: grades, requireFor: try wire.read(), ungraded: try wire.read())
        }
    }
}
