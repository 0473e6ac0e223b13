/// A STOMP 1.2 client (https://stomp.github.io/stomp-specification-1.2.html) on SwiftNIO.
public enum STOMP {}
