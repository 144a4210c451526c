// Every sink kind, registered by importing its file: adding a sink is a file and a line here.
import './toast.js';
import './desktop.js';
import './webhook.js';
import './mqtt.js';
