/// Which non-maximum suppression a model's postprocess runs: its training code's, since each rule keeps a slightly
/// different set of boxes.
public enum NonMaximumSuppression: Sendable, Equatable {
    /// TFLite_Detection_PostProcess's fast mode: one class-agnostic pass over each anchor's best classes.
    case tfliteFast
    /// TFLite_Detection_PostProcess's regular mode: per class, scores at or above the threshold.
    case tfliteRegular
    /// The hard NMS of PyTorch SSD training code (`box_utils.hard_nms`, UltraFace's): per class, scores strictly
    /// above the threshold, only the best `candidates` of each class considered, IoU with 1e-5 added to the union.
    case hardPerClass(candidates: Int)
}
