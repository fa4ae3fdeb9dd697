/**
 * The simulations API of the public contract (docs/architecture.md):
 * `POST /api/simulations` → 202 {id}, `GET /api/simulations/:id` → status,
 * `DELETE /api/simulations/:id` → stops it and returns the final status.
 */
import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  NotImplementedException,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { StartSimulationDto } from './dto/start-simulation.dto';
import { BackendNotAvailableError, SimulationLimitError, SimulationNotFoundError } from './simulation-errors';
import type { SimulationStatus } from './simulation-run';
import { SimulationsService } from './simulations.service';

/** The part of the HTTP response the controller touches (Express or Fastify). */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

/** HTTP front of {@link SimulationsService}. */
@Controller('api/simulations')
export class SimulationsController {
  constructor(private readonly simulations: SimulationsService) {}

  /** Starts a simulation; `Location` points at its status. */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  start(@Body() body: StartSimulationDto, @Res({ passthrough: true }) response: HeaderSink): { id: string } {
    const run = this.translate(() => this.simulations.start(body));
    response.setHeader('Location', `/api/simulations/${run.id}`);
    return { id: run.id };
  }

  /** The status of one simulation. */
  @Get(':id')
  status(@Param('id') id: string): SimulationStatus {
    return this.translate(() => this.simulations.get(id)).status();
  }

  /** Stops a simulation after its in-flight batch and returns its final status. */
  @Delete(':id')
  async stop(@Param('id') id: string): Promise<SimulationStatus> {
    this.translate(() => this.simulations.get(id));
    return (await this.simulations.stop(id)).status();
  }

  /** Maps the feature's typed errors to HTTP answers. */
  private translate<T>(action: () => T): T {
    try {
      return action();
    } catch (err) {
      if (err instanceof SimulationNotFoundError) throw new NotFoundException(err.message);
      if (err instanceof BackendNotAvailableError) throw new NotImplementedException(err.message);
      if (err instanceof SimulationLimitError) throw new BadRequestException(err.message);
      throw err;
    }
  }
}
