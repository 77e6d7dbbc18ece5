import ImageIO

extension RGBImage {
    /// A copy with each detection's box outlined and labelled ("dog 0.87") in a colour of its class.
    public func annotated(with detections: [Detection]) -> RGBImage {
        var image = self
        // Lines and text grow with the picture so that labels stay readable on large photos.
        let scale = max(2, min(width, height) / 300)
        let thickness = max(2, scale + 1)
        for detection in detections.reversed() {  // best last, so it is drawn on top
            let color = Self.palette[detection.classIndex % Self.palette.count]
            let box = detection.box
            let (x0, y0) = (Int(box.xmin.rounded()), Int(box.ymin.rounded()))
            let (x1, y1) = (Int(box.xmax.rounded()) - 1, Int(box.ymax.rounded()) - 1)
            image.strokeRectangle(x0: x0, y0: y0, x1: x1, y1: y1, thickness: thickness, color: color)
            let text = "\(detection.label) \(Int((detection.score * 100).rounded()))%"
            let size = RGBImage.textSize(text, scale: scale)
            let padding = scale * 2
            // Above the box when there is room, else inside its top edge.
            let top = y0 - size.height - 2 * padding >= 0 ? y0 - size.height - 2 * padding : y0
            let left = min(max(x0, 0), max(width - size.width - 2 * padding, 0))
            image.fill(
                x0: left, y0: top, x1: left + size.width + 2 * padding, y1: top + size.height + 2 * padding,
                color: color)
            image.drawText(text, x: left + padding, y: top + padding, scale: scale, color: Self.textColor(on: color))
        }
        return image
    }

    /// Distinct, saturated colours for classes.
    static let palette: [Color] = [
        Color(red: 230, green: 25, blue: 75), Color(red: 60, green: 180, blue: 75),
        Color(red: 255, green: 225, blue: 25),
        Color(red: 0, green: 130, blue: 200), Color(red: 245, green: 130, blue: 48),
        Color(red: 145, green: 30, blue: 180),
        Color(red: 70, green: 240, blue: 240), Color(red: 240, green: 50, blue: 230),
        Color(red: 210, green: 245, blue: 60),
        Color(red: 250, green: 190, blue: 212), Color(red: 0, green: 128, blue: 128),
        Color(red: 170, green: 110, blue: 40),
    ]

    /// Black on light colours, white on dark ones.
    static func textColor(on background: Color) -> Color {
        let luma = 0.299 * Double(background.red) + 0.587 * Double(background.green) + 0.114 * Double(background.blue)
        return luma > 140 ? .black : .white
    }
}
