import SourcedCore

// The wire form of what a page's Markdown walk found; fields in declaration order.

extension RenderedMarkdown: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(html)
        wire.write(headings)
        wire.write(links)
        wire.write(citationGroups)
        wire.write(claims)
        wire.write(audienceBlocks)
        wire.write(variantHTML)
        wire.write(audienceProblems)
        wire.write(grades)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            html: try wire.read(), headings: try wire.read(), links: try wire.read(),
            citationGroups: try wire.read(), claims: try wire.read())
        audienceBlocks = try wire.read()
        variantHTML = try wire.read()
        audienceProblems = try wire.read()
        grades = try wire.read()
    }
}

extension AudienceBlock: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(audience)
        wire.write(lines.lowerBound)
        wire.write(lines.upperBound)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        let audience: String = try wire.read()
        let first: Int = try wire.read()
        let last: Int = try wire.read()
        guard first <= last else { throw WireError() }
        self.init(audience: audience, lines: first...last)
    }
}

extension GradeTag: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(grade)
        wire.write(position)
        wire.write(claim)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(grade: try wire.read(), position: try wire.read(), claim: try wire.read())
    }
}

extension AudienceProblem: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(position)
        wire.write(message)
        wire.write(hint)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(position: try wire.read(), message: try wire.read(), hint: try wire.read())
    }
}

extension Heading: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(level)
        wire.write(text)
        wire.write(anchor)
        wire.write(position)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(level: try wire.read(), text: try wire.read(), anchor: try wire.read(), position: try wire.read())
    }
}

extension Link: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(destination)
        wire.write(isImage)
        wire.write(position)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(destination: try wire.read(), isImage: try wire.read(), position: try wire.read())
    }
}

extension CitationGroup: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(items)
        wire.write(position)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(items: try wire.read(), position: try wire.read())
    }
}

extension CitationItem: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(key)
        wire.write(locator)
        wire.write(position)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(key: try wire.read(), locator: try wire.read(), position: try wire.read())
    }
}

extension Claim.Kind: WireCodable {}

extension Claim: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(kind)
        wire.write(text)
        wire.write(isCited)
        wire.write(position)
        wire.write(sections)
        wire.write(gradeCount)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            kind: try wire.read(), text: try wire.read(), isCited: try wire.read(), position: try wire.read(),
            sections: try wire.read())
        gradeCount = try wire.read()
    }
}
