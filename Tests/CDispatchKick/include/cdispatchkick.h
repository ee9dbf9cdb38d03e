#ifndef CDISPATCHKICK_H
#define CDISPATCHKICK_H

/// How many times the kicker has enqueued its no-ops (tests of the kicker itself).
unsigned long tributary_dispatch_kicks(void);

#endif
