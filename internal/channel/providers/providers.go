// Package providers is the one list of the messaging providers Parley
// ships. Adding a provider is a package under internal/channel that
// declares a channel.Spec, plus one line here.
package providers

import (
	"sync"

	"github.com/parleyhq/parley/internal/channel"
	"github.com/parleyhq/parley/internal/channel/email"
	"github.com/parleyhq/parley/internal/channel/messenger"
	"github.com/parleyhq/parley/internal/channel/telegram"
	"github.com/parleyhq/parley/internal/channel/twilio"
	"github.com/parleyhq/parley/internal/channel/webchat"
	"github.com/parleyhq/parley/internal/channel/whatsapp"
)

// all are the providers, in the order the web app lists them.
var all = []channel.Spec{
	whatsapp.Spec,
	twilio.Spec,
	messenger.Spec,
	telegram.Spec,
	email.Spec,
	webchat.Spec,
}

var once sync.Once

// Register registers every provider with channel.Register, once however
// often it is called (the app calls it; so do tests of packages that read
// the specs).
func Register() {
	once.Do(func() {
		for _, s := range all {
			channel.Register(s)
		}
	})
}
