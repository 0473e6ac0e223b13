import StyledHTML

extension FlowLayout {
    /// The content size of an image: CSS `width`/`height`, else the `width`/`height`
    /// attributes, else the intrinsic size (CSS pixels, 1px = 0.75pt); one given side keeps
    /// the aspect ratio; `min-`/`max-width` and `-height` applied keeping the ratio.
    func replacedSize(style: ComputedStyle, image: ImageBox, containingWidth: Double?) throws -> (width: Double, height: Double) {
        var width = LayoutContext.resolveOptional(style.width, base: containingWidth)
        var height = LayoutContext.resolveOptional(style.height, base: nil)
        if width == nil && height == nil {
            width = LayoutContext.resolveOptional(image.attributeWidth, base: containingWidth)
            height = LayoutContext.resolveOptional(image.attributeHeight, base: nil)
        }
        var ratio: Double?
        if width == nil || height == nil {
            if let intrinsic = try intrinsicImageSize(image.source) {
                if width == nil && height == nil {
                    width = intrinsic.width
                    height = intrinsic.height
                } else if intrinsic.width > 0 {
                    ratio = intrinsic.height / intrinsic.width
                }
            }
            if width == nil, let height {
                width = ratio.map { $0 > 0 ? height / $0 : height } ?? height
            } else if height == nil, let width {
                height = ratio.map { width * $0 } ?? width
            }
        }
        var resultWidth = max(0, width ?? 0)
        var resultHeight = max(0, height ?? 0)
        let aspect = resultWidth > 0 ? resultHeight / resultWidth : 0
        let autoHeight = style.height == .auto
        let autoWidth = style.width == .auto
        if let maximum = LayoutContext.resolveOptional(style.maxWidth, base: containingWidth), resultWidth > maximum {
            resultWidth = max(0, maximum)
            if autoHeight { resultHeight = resultWidth * aspect }
        }
        if let minimum = LayoutContext.resolveOptional(style.minWidth, base: containingWidth), resultWidth < minimum {
            resultWidth = minimum
            if autoHeight { resultHeight = resultWidth * aspect }
        }
        if let maximum = LayoutContext.resolveOptional(style.maxHeight, base: nil), resultHeight > maximum {
            resultHeight = max(0, maximum)
            if autoWidth, aspect > 0 { resultWidth = resultHeight / aspect }
        }
        if let minimum = LayoutContext.resolveOptional(style.minHeight, base: nil), resultHeight < minimum {
            resultHeight = minimum
            if autoWidth, aspect > 0 { resultWidth = resultHeight / aspect }
        }
        return (LayoutContext.sane(resultWidth), LayoutContext.sane(resultHeight))
    }

    /// The intrinsic size of an image in points (nil without a source); asks the
    /// environment once per source.
    func intrinsicImageSize(_ source: String) throws -> (width: Double, height: Double)? {
        guard !source.isEmpty else { return nil }
        if let cached = context.imageSizes[source] { return cached }
        let size = try context.environment.imageSize(source: source)
        let result = (width: max(0, LayoutContext.sane(size.width)) * 0.75, height: max(0, LayoutContext.sane(size.height)) * 0.75)
        context.imageSizes[source] = result
        return result
    }
}
